namespace Kiosk.Drivers.Mlx90614;
